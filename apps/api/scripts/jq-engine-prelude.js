// Evaluated in the jq sandbox before jqjs (scripts/generate-jq-engine.mjs). QuickJS has no btoa/atob; jqjs's
// @base64 and @base64d call them, and jq encodes a string's UTF-8 bytes, so these do too (a lone surrogate, or bytes
// that are not UTF-8 once decoded, become U+FFFD as in jq).
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function utf8Bytes(text) {
  const bytes = [];
  for (const char of text) {
    let code = char.codePointAt(0);
    if (code >= 0xd800 && code <= 0xdfff) code = 0xfffd;
    if (code < 0x80) bytes.push(code);
    else if (code < 0x800) bytes.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) bytes.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else bytes.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return bytes;
}

function utf8Text(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const byte = bytes[i];
    const size = byte < 0x80 ? 1 : byte >= 0xf0 && byte < 0xf8 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 0;
    let code = size === 1 ? byte : size === 0 ? -1 : byte & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) {
        code = -1;
        break;
      }
      code = (code << 6) | (next & 63);
    }
    text += code < 0 || code > 0x10ffff ? "\ufffd" : String.fromCodePoint(code);
    i += code < 0 ? 1 : size;
  }
  return text;
}

// biome-ignore lint/correctness/noUnusedVariables: jqjs, evaluated after this in the same scope, calls it
function btoa(text) {
  const bytes = utf8Bytes(text);
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += BASE64[n >> 18] + BASE64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? BASE64[n & 63] : "=";
  }
  return out;
}

// biome-ignore lint/correctness/noUnusedVariables: jqjs, evaluated after this in the same scope, calls it
function atob(encoded) {
  const clean = encoded.replace(/=+$/, "");
  const bytes = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const digit = BASE64.indexOf(char);
    if (digit < 0) throw `${JSON.stringify(encoded)} is not valid base64 data`;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
    }
  }
  return utf8Text(bytes);
}
