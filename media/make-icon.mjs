// Draws media/icon.png (128x128, the Marketplace icon): a database cylinder with an "upgrade" arrow.
// No image library: shapes are tested per sample, 4x4 supersampled, and written as an RGBA PNG.
// usage: node media/make-icon.mjs
import { writeFileSync } from 'fs';
import { deflateSync } from 'zlib';

const SIZE = 128;
const SS = 4;
const hex = (h) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), 255];
const BG_TOP = hex('#1d4f7a');
const BG_BOTTOM = hex('#123552');
const BODY = hex('#dbe8f3');
const LID = hex('#ffffff');
const BAND = hex('#7fa6c8');
const BADGE = hex('#f5a623');
const ARROW = hex('#123552');

const inRoundRect = (x, y, x0, y0, x1, y1, r) => {
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
};
const ellipse = (x, y, cx, cy, rx, ry) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2;
const inTriangle = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by), d2 = s(x, y, bx, by, cx, cy), d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};

// Cylinder: x 22..82, lid centred at y 32, base at y 96.
const CX = 52, RX = 30, RY = 10, TOP = 32, BOTTOM = 96;
function paint(x, y) {
  if (!inRoundRect(x, y, 0, 0, SIZE, SIZE, 26)) return [0, 0, 0, 0];
  const t = y / SIZE;
  let color = BG_TOP.map((c, i) => Math.round(c + (BG_BOTTOM[i] - c) * t));
  const inBody = (Math.abs(x - CX) <= RX && y >= TOP && y <= BOTTOM) || ellipse(x, y, CX, BOTTOM, RX, RY) <= 1;
  if (inBody) {
    color = BODY;
    for (const band of [TOP + 21, TOP + 42]) {
      const e = ellipse(x, y, CX, band, RX, RY);
      if (y > band && e >= 0.78 && e <= 1) color = BAND;
    }
  }
  if (ellipse(x, y, CX, TOP, RX, RY) <= 1) color = ellipse(x, y, CX, TOP, RX - 3, RY - 2.2) <= 1 ? LID : BAND;
  // Badge with an upward arrow, separated from the cylinder by a ring of background.
  const badge = Math.hypot(x - 94, y - 92);
  if (badge <= 30) color = BG_BOTTOM;
  if (badge <= 26) {
    color = BADGE;
    const shaft = Math.abs(x - 94) <= 4.5 && y >= 90 && y <= 107;
    const head = inTriangle(x, y, [79, 94], [109, 94], [94, 77]);
    if (shaft || head) color = ARROW;
  }
  return color;
}

const rows = [];
for (let py = 0; py < SIZE; py++) {
  const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
  for (let px = 0; px < SIZE; px++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const [r, g, b, a] = paint(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        acc[0] += r * a; acc[1] += g * a; acc[2] += b * a; acc[3] += a;
      }
    }
    const alpha = acc[3] / (SS * SS);
    const out = acc[3] ? [acc[0] / acc[3], acc[1] / acc[3], acc[2] / acc[3], alpha] : [0, 0, 0, 0];
    out.forEach((v, i) => { row[1 + px * 4 + i] = Math.round(v); });
  }
  rows.push(row);
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0); ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
