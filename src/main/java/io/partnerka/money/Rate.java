package io.partnerka.money;

import java.math.BigDecimal;

/** A commission tier: its name ({@code base}, {@code high}) and rate in percent. */
public record Rate(String tier, BigDecimal percent) {
}
