-- Public service catalogue: services of the partner organisations (providers),
-- their locations, the code list of service types (§ of zákon 108/2006 Sb. and
-- non-registered kinds), proposed changes waiting for the coordinator, and the
-- yearly confirmation requests. No column holds personal data: contacts are
-- the service's own (office e-mail, phone), never a named person.

-- version grows with every change of the catalogue, so that every process
-- (the server, the import command) can tell that cached pages are stale.
CREATE TABLE catalog_state (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO catalog_state (id, version) VALUES (1, 1);

CREATE TABLE catalog_service_types (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    paragraph   TEXT NOT NULL DEFAULT '',
    name        TEXT NOT NULL,
    category    TEXT NOT NULL CHECK (category IN ('counselling', 'care', 'prevention', 'other')),
    registered  BOOLEAN NOT NULL,
    sort_order  INTEGER NOT NULL,
    search      TEXT NOT NULL DEFAULT ''
);
INSERT INTO catalog_service_types (id, code, paragraph, name, category, registered, sort_order, search) VALUES
    (1, 'p37', '§ 37', 'odborné sociální poradenství', 'counselling', TRUE, 1, '§ 37 odborne socialni poradenstvi'),
    (2, 'p39', '§ 39', 'osobní asistence', 'care', TRUE, 2, '§ 39 osobni asistence'),
    (3, 'p40', '§ 40', 'pečovatelská služba', 'care', TRUE, 3, '§ 40 pecovatelska sluzba'),
    (4, 'p41', '§ 41', 'tísňová péče', 'care', TRUE, 4, '§ 41 tisnova pece'),
    (5, 'p42', '§ 42', 'průvodcovské a předčitatelské služby', 'care', TRUE, 5, '§ 42 pruvodcovske a predcitatelske sluzby'),
    (6, 'p43', '§ 43', 'podpora samostatného bydlení', 'care', TRUE, 6, '§ 43 podpora samostatneho bydleni'),
    (7, 'p44', '§ 44', 'odlehčovací služby', 'care', TRUE, 7, '§ 44 odlehcovaci sluzby'),
    (8, 'p45', '§ 45', 'centra denních služeb', 'care', TRUE, 8, '§ 45 centra dennich sluzeb'),
    (9, 'p46', '§ 46', 'denní stacionáře', 'care', TRUE, 9, '§ 46 denni stacionare'),
    (10, 'p47', '§ 47', 'týdenní stacionáře', 'care', TRUE, 10, '§ 47 tydenni stacionare'),
    (11, 'p48', '§ 48', 'domovy pro osoby se zdravotním postižením', 'care', TRUE, 11, '§ 48 domovy pro osoby se zdravotnim postizenim'),
    (12, 'p49', '§ 49', 'domovy pro seniory', 'care', TRUE, 12, '§ 49 domovy pro seniory'),
    (13, 'p50', '§ 50', 'domovy se zvláštním režimem', 'care', TRUE, 13, '§ 50 domovy se zvlastnim rezimem'),
    (14, 'p51', '§ 51', 'chráněné bydlení', 'care', TRUE, 14, '§ 51 chranene bydleni'),
    (15, 'p52', '§ 52', 'sociální služby poskytované ve zdravotnických zařízeních lůžkové péče', 'care', TRUE, 15, '§ 52 socialni sluzby poskytovane ve zdravotnickych zarizenich luzkove pece'),
    (16, 'p54', '§ 54', 'raná péče', 'prevention', TRUE, 16, '§ 54 rana pece'),
    (17, 'p55', '§ 55', 'telefonická krizová pomoc', 'prevention', TRUE, 17, '§ 55 telefonicka krizova pomoc'),
    (18, 'p56', '§ 56', 'tlumočnické služby', 'prevention', TRUE, 18, '§ 56 tlumocnicke sluzby'),
    (19, 'p57', '§ 57', 'azylové domy', 'prevention', TRUE, 19, '§ 57 azylove domy'),
    (20, 'p58', '§ 58', 'domy na půl cesty', 'prevention', TRUE, 20, '§ 58 domy na pul cesty'),
    (21, 'p59', '§ 59', 'kontaktní centra', 'prevention', TRUE, 21, '§ 59 kontaktni centra'),
    (22, 'p60', '§ 60', 'krizová pomoc', 'prevention', TRUE, 22, '§ 60 krizova pomoc'),
    (23, 'p60a', '§ 60a', 'intervenční centra', 'prevention', TRUE, 23, '§ 60a intervencni centra'),
    (24, 'p61', '§ 61', 'nízkoprahová denní centra', 'prevention', TRUE, 24, '§ 61 nizkoprahova denni centra'),
    (25, 'p62', '§ 62', 'nízkoprahová zařízení pro děti a mládež', 'prevention', TRUE, 25, '§ 62 nizkoprahova zarizeni pro deti a mladez'),
    (26, 'p63', '§ 63', 'noclehárny', 'prevention', TRUE, 26, '§ 63 nocleharny'),
    (27, 'p64', '§ 64', 'služby následné péče', 'prevention', TRUE, 27, '§ 64 sluzby nasledne pece'),
    (28, 'p65', '§ 65', 'sociálně aktivizační služby pro rodiny s dětmi', 'prevention', TRUE, 28, '§ 65 socialne aktivizacni sluzby pro rodiny s detmi'),
    (29, 'p66', '§ 66', 'sociálně aktivizační služby pro seniory a osoby se zdravotním postižením', 'prevention', TRUE, 29, '§ 66 socialne aktivizacni sluzby pro seniory a osoby se zdravotnim postizenim'),
    (30, 'p67', '§ 67', 'sociálně terapeutické dílny', 'prevention', TRUE, 30, '§ 67 socialne terapeuticke dilny'),
    (31, 'p68', '§ 68', 'terapeutické komunity', 'prevention', TRUE, 31, '§ 68 terapeuticke komunity'),
    (32, 'p69', '§ 69', 'terénní programy', 'prevention', TRUE, 32, '§ 69 terenni programy'),
    (33, 'p70', '§ 70', 'sociální rehabilitace', 'prevention', TRUE, 33, '§ 70 socialni rehabilitace'),
    (34, 'cdz', '', 'centrum duševního zdraví', 'other', FALSE, 34, 'centrum dusevniho zdravi'),
    (35, 'health', '', 'zdravotní služba', 'other', FALSE, 35, 'zdravotni sluzba'),
    (36, 'homecare', '', 'domácí zdravotní péče', 'other', FALSE, 36, 'domaci zdravotni pece'),
    (37, 'hospice', '', 'hospicová péče', 'other', FALSE, 37, 'hospicova pece'),
    (38, 'school', '', 'školské a poradenské zařízení', 'other', FALSE, 38, 'skolske a poradenske zarizeni'),
    (39, 'counselling', '', 'jiné poradenství (dluhové, rodinné, psychologické)', 'other', FALSE, 39, 'jine poradenstvi (dluhove, rodinne, psychologicke)'),
    (40, 'aids', '', 'půjčovna kompenzačních pomůcek', 'other', FALSE, 40, 'pujcovna kompenzacnich pomucek'),
    (41, 'housing', '', 'sociální bydlení', 'other', FALSE, 41, 'socialni bydleni'),
    (42, 'other', '', 'jiná služba', 'other', FALSE, 42, 'jina sluzba');

-- Catalogue-specific fields of a provider (an organisation of the partners registry).
CREATE TABLE catalog_providers (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    confirm_email   TEXT NOT NULL DEFAULT '',
    confirmed_at    TIMESTAMP,
    updated_at      TIMESTAMP NOT NULL
);

CREATE TABLE catalog_services (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id),
    type_code        TEXT NOT NULL REFERENCES catalog_service_types (code),
    name             TEXT NOT NULL,
    registry_id      TEXT UNIQUE,
    form_residential BOOLEAN NOT NULL DEFAULT FALSE,
    form_outpatient  BOOLEAN NOT NULL DEFAULT FALSE,
    form_field       BOOLEAN NOT NULL DEFAULT FALSE,
    age_groups       TEXT NOT NULL DEFAULT '',
    description      TEXT NOT NULL DEFAULT '',
    how_to_apply     TEXT NOT NULL DEFAULT '',
    capacity         TEXT NOT NULL DEFAULT '',
    fees_free        BOOLEAN NOT NULL DEFAULT FALSE,
    fees_description TEXT NOT NULL DEFAULT '',
    email            TEXT NOT NULL DEFAULT '',
    phone            TEXT NOT NULL DEFAULT '',
    web              TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    source           TEXT NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'registry')),
    registry_hash    TEXT NOT NULL DEFAULT '',
    confirmed_at     TIMESTAMP,
    search           TEXT NOT NULL DEFAULT '',
    sort_key         TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX catalog_services_org ON catalog_services (organisation_id);
CREATE INDEX catalog_services_sort ON catalog_services (status, sort_key);
CREATE INDEX catalog_services_updated ON catalog_services (updated_at);

-- Full-text index of the folded search text (SQLite only; rowid = service id),
-- for word-prefix queries ("pecovat*"): a LIKE scan of a national catalogue
-- costs tens of milliseconds on the pure-Go engine, this a fraction of one.
CREATE VIRTUAL TABLE catalog_fts USING fts5(search, tokenize = "unicode61 remove_diacritics 2");

CREATE TABLE catalog_service_target_groups (
    service_id      INTEGER NOT NULL REFERENCES catalog_services (id),
    target_group_id INTEGER NOT NULL REFERENCES target_groups (id),
    PRIMARY KEY (service_id, target_group_id)
);
CREATE INDEX catalog_stg_group ON catalog_service_target_groups (target_group_id);

CREATE TABLE catalog_service_municipalities (
    service_id      INTEGER NOT NULL REFERENCES catalog_services (id),
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (service_id, municipality_id)
);
CREATE INDEX catalog_sm_municipality ON catalog_service_municipalities (municipality_id);

CREATE TABLE catalog_locations (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id         INTEGER NOT NULL REFERENCES catalog_services (id),
    name               TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL,
    postcode           TEXT NOT NULL DEFAULT '',
    municipality_id    INTEGER REFERENCES municipalities (id),
    ruian_code         TEXT NOT NULL DEFAULT '',
    opening_hours      TEXT NOT NULL DEFAULT '',
    accessibility      TEXT NOT NULL DEFAULT 'unknown' CHECK (accessibility IN ('full', 'partial', 'none', 'unknown')),
    accessibility_note TEXT NOT NULL DEFAULT '',
    latitude           DOUBLE PRECISION,
    longitude          DOUBLE PRECISION,
    sort_order         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_locations_service ON catalog_locations (service_id);

-- A change proposed by a provider representative; public only once approved.
CREATE TABLE catalog_changes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id      INTEGER REFERENCES catalog_services (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    proposed_json   TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'rejected')),
    submitted_by    INTEGER REFERENCES users (id),
    submitted_at    TIMESTAMP NOT NULL,
    decided_by      INTEGER REFERENCES users (id),
    decided_at      TIMESTAMP,
    comment         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX catalog_changes_state ON catalog_changes (state, submitted_at);

-- The yearly request to confirm the entries: one per organisation and round;
-- the e-mailed link carries a random token of which only the hash is kept.
CREATE TABLE catalog_confirmations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    token_hash      TEXT NOT NULL UNIQUE,
    sent_to         TEXT NOT NULL DEFAULT '',
    sent_at         TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    confirmed_at    TIMESTAMP
);
CREATE INDEX catalog_confirmations_org ON catalog_confirmations (organisation_id);
