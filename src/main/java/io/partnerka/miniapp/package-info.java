/**
 * The partner cabinet inside Telegram: a Mini App at {@code /app} and its JSON API at {@code /app/api/**},
 * authenticated by the {@code Authorization: tma <initData>} header that Telegram signs with the bot's token
 * ({@link io.partnerka.miniapp.MiniAppSigner}). The controllers are thin: every rule lives in the module whose face
 * they call (deals, payouts, requisites, approvals, training, knowledge base, referrals), exactly as the bot uses it.
 */
package io.partnerka.miniapp;
