/** The tariff API: the file format, per-period prices, digests and importers. */
export { MAX_ABS_PRICE, TARIFF_FORMAT, parseTariff, tariffJsonSchema, type Tariff, type TariffJson, type TariffKind } from './model.js';
export { pricesForPeriod, standingChargeForPeriod } from './prices.js';
export { canonicalJson, documentDigest, tariffDigest } from './digest.js';
export { importTariff, type ImportTariffOptions, type TariffSource } from './import.js';
