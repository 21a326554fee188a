-- Coordinates of a municipality's centre (the town hall or the village
-- green), WGS 84 degrees. They centre maps and let the catalogue search
-- "within N km of a municipality". Nullable: unknown until someone fills
-- them in.
ALTER TABLE municipalities ADD COLUMN latitude DOUBLE PRECISION;
ALTER TABLE municipalities ADD COLUMN longitude DOUBLE PRECISION;
