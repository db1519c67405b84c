-- Schema v5: shop profiles edited by their merchants.
-- Photos of the shop, in order: content-hashed media names separated by spaces.
ALTER TABLE shops ADD COLUMN photos TEXT NOT NULL DEFAULT '';
-- Fields a merchant has edited ("phone opening_hours"…): an OpenStreetMap re-import leaves them.
ALTER TABLE shops ADD COLUMN merchant_fields TEXT NOT NULL DEFAULT '';
