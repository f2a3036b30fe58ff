// RFC 6238 time-based one-time codes, to play the user's authenticator app in the tests.
import crypto from 'node:crypto'

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch)
    if (idx < 0) throw new Error(`base32 里不该有“${ch}”`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The code for the time step containing `atMs` (SHA-1, 6 digits, 30 s: what fazhi issues). */
export function totp(secretBase32, atMs = Date.now(), { period = 30, digits = 6 } = {}) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(atMs / 1000 / period)))
  const mac = crypto.createHmac('sha1', base32Decode(secretBase32)).update(counter).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const bin = mac.readUInt32BE(offset) & 0x7fffffff
  return String(bin % 10 ** digits).padStart(digits, '0')
}

/** Milliseconds until the next time step starts. */
export function msToNextStep(period = 30) {
  return period * 1000 - (Date.now() % (period * 1000))
}
