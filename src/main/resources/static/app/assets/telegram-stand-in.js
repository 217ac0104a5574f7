// A stand-in for https://telegram.org/js/telegram-web-app.js where there is no Telegram: the sandbox's phone panel
// (/app?sandbox=1) and the browser tests. It reads what Telegram would pass the same way Telegram passes it — the URL
// fragment #tgWebAppData=<initData>&tgWebAppThemeParams=<json>&tgWebAppColorScheme=<light|dark> — or, in the tests,
// window.TelegramStandIn = {initData, themeParams, colorScheme} set before it runs. It draws what Telegram draws around
// a Mini App: a header with the Back button and the Main button at the bottom.
(() => {
    'use strict';

    const hash = new URLSearchParams(location.hash.slice(1));
    const given = window.TelegramStandIn || {};
    const json = (s, fallback) => { try { return s ? JSON.parse(s) : fallback; } catch (e) { return fallback; } };

    const initData = given.initData ?? hash.get('tgWebAppData') ?? '';
    const data = new URLSearchParams(initData);
    let themeParams = given.themeParams ?? json(hash.get('tgWebAppThemeParams'), {});
    let colorScheme = given.colorScheme ?? hash.get('tgWebAppColorScheme') ?? 'light';
    const listeners = {};
    const fire = (event) => (listeners[event] || []).slice().forEach(f => { try { f(); } catch (e) { console.error(e); } });

    // ---- the chrome Telegram draws ----------------------------------------------------------------------------------

    const style = document.createElement('style');
    style.textContent = `
    #tg-header { position: fixed; top: 0; left: 0; right: 0; height: 44px; z-index: 50; display: flex; align-items: center;
      gap: 8px; padding: 0 8px; background: var(--tg-header, #fff); color: var(--tg-text, #000);
      border-bottom: 1px solid rgba(127,127,127,.2); font: 600 16px/1 -apple-system, Roboto, Arial, sans-serif; }
    #tg-header button { border: 0; background: none; color: var(--tg-link, #2481cc); font: inherit; padding: 8px 4px; cursor: pointer; }
    #tg-header .tg-title { flex: 1; text-align: center; margin-right: 60px; }
    #tg-main-button { position: fixed; left: 0; right: 0; bottom: 0; height: 56px; z-index: 50; border: 0; width: 100%;
      font: 600 16px/1 -apple-system, Roboto, Arial, sans-serif; cursor: pointer;
      background: var(--tg-button, #2481cc); color: var(--tg-button-text, #fff); }
    #tg-main-button[disabled] { opacity: .6; }
    #tg-main-button.progress::after { content: " …"; }`;

    let header, back, title, main;

    function chrome() {
        if (header || !document.body) return;
        document.head.append(style);
        header = document.createElement('div');
        header.id = 'tg-header';
        back = document.createElement('button');
        back.id = 'tg-back-button';
        back.type = 'button';
        back.textContent = given.backText || '‹';
        back.setAttribute('aria-label', 'Back');
        back.addEventListener('click', () => fire('backButtonClicked'));
        title = document.createElement('div');
        title.className = 'tg-title';
        title.textContent = given.title || 'Partnerka';
        header.append(back, title);
        main = document.createElement('button');
        main.id = 'tg-main-button';
        main.type = 'button';
        main.addEventListener('click', () => { if (MainButton.isActive && MainButton.isVisible) fire('mainButtonClicked'); });
        document.body.append(header, main);
        document.documentElement.style.setProperty('--standin-top', '45px');
        paint();
    }

    function paint() {
        if (!header) return;
        const p = themeParams;
        const root = document.documentElement.style;
        root.setProperty('--tg-header', p.secondary_bg_color || p.bg_color || (colorScheme === 'dark' ? '#17212b' : '#fff'));
        root.setProperty('--tg-text', p.text_color || (colorScheme === 'dark' ? '#fff' : '#000'));
        root.setProperty('--tg-link', p.link_color || '#2481cc');
        root.setProperty('--tg-button', MainButton.color || p.button_color || '#2481cc');
        root.setProperty('--tg-button-text', MainButton.textColor || p.button_text_color || '#fff');
        back.hidden = !BackButton.isVisible;
        main.hidden = !MainButton.isVisible;
        main.disabled = !MainButton.isActive;
        main.textContent = MainButton.text;
        main.classList.toggle('progress', MainButton.isProgressVisible);
        document.documentElement.style.setProperty('--standin-bottom', MainButton.isVisible ? '56px' : '0px');
    }

    // ---- the API a Mini App uses ------------------------------------------------------------------------------------

    const MainButton = {
        text: 'CONTINUE', color: '', textColor: '', isVisible: false, isActive: true, isProgressVisible: false,
        setText(text) { this.text = String(text); paint(); return this; },
        setParams(p) {
            if ('text' in p) this.text = String(p.text);
            if ('color' in p) this.color = p.color;
            if ('text_color' in p) this.textColor = p.text_color;
            if ('is_visible' in p) this.isVisible = !!p.is_visible;
            if ('is_active' in p) this.isActive = !!p.is_active;
            paint();
            return this;
        },
        show() { this.isVisible = true; paint(); return this; },
        hide() { this.isVisible = false; paint(); return this; },
        enable() { this.isActive = true; paint(); return this; },
        disable() { this.isActive = false; paint(); return this; },
        showProgress() { this.isProgressVisible = true; paint(); return this; },
        hideProgress() { this.isProgressVisible = false; paint(); return this; },
        onClick(f) { WebApp.onEvent('mainButtonClicked', f); return this; },
        offClick(f) { WebApp.offEvent('mainButtonClicked', f); return this; },
    };

    const BackButton = {
        isVisible: false,
        show() { this.isVisible = true; paint(); return this; },
        hide() { this.isVisible = false; paint(); return this; },
        onClick(f) { WebApp.onEvent('backButtonClicked', f); return this; },
        offClick(f) { WebApp.offEvent('backButtonClicked', f); return this; },
    };

    const haptics = [];
    const HapticFeedback = {
        impactOccurred(style) { haptics.push('impact:' + style); return this; },
        notificationOccurred(type) { haptics.push('notification:' + type); return this; },
        selectionChanged() { haptics.push('selection'); return this; },
    };

    const WebApp = {
        initData,
        initDataUnsafe: {
            user: json(data.get('user'), undefined), auth_date: Number(data.get('auth_date')) || undefined,
            hash: data.get('hash') || undefined, start_param: data.get('start_param') || undefined,
        },
        version: '7.0',
        platform: 'sandbox',
        get colorScheme() { return colorScheme; },
        get themeParams() { return themeParams; },
        isExpanded: true,
        viewportHeight: window.innerHeight,
        viewportStableHeight: window.innerHeight,
        MainButton, BackButton, HapticFeedback,
        /** What the page asked to feel (the tests read it). */
        haptics,
        isVersionAtLeast(v) {
            const [a, b] = String(v).split('.').map(Number);
            return a < 7 || (a === 7 && (b || 0) <= 0);
        },
        onEvent(event, f) { (listeners[event] = listeners[event] || []).push(f); },
        offEvent(event, f) { listeners[event] = (listeners[event] || []).filter(g => g !== f); },
        ready() { chrome(); },
        expand() { },
        close() { window.parent?.postMessage({type: 'partnerka-miniapp-close'}, location.origin); },
        setHeaderColor() { },
        setBackgroundColor() { },
        openLink(url) { window.open(url, '_blank', 'noopener'); },
        openTelegramLink(url) { window.open(url, '_blank', 'noopener'); },
        showAlert(message, callback) { window.alert(message); callback?.(); },
        showConfirm(message, callback) { callback?.(window.confirm(message)); },
    };

    // the sandbox page changes the theme of an open panel as Telegram does: themeChanged
    window.addEventListener('message', (e) => {
        if (e.origin !== location.origin || e.data?.type !== 'partnerka-theme') return;
        themeParams = e.data.themeParams || {};
        colorScheme = e.data.colorScheme === 'dark' ? 'dark' : 'light';
        paint();
        fire('themeChanged');
    });

    window.Telegram = {WebApp};
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', chrome); else chrome();
})();
