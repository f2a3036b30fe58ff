#include "files/qr_png.h"

#include <qrencode.h>
#include <zlib.h>

#include <cstdint>
#include <memory>

namespace fazhi::files {

namespace {

void PutU32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>(v >> 16));
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

// One PNG chunk: length, type, data, CRC-32 of type and data.
void Chunk(std::string& out, const char* type, const std::string& data) {
  PutU32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  out += body;
  PutU32(out, static_cast<std::uint32_t>(
                  crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

Result<std::string> QrPng(const std::string& text, int scale, int* size_px) {
  if (scale < 1 || scale > 32) return Invalid("二维码放大倍数应在 1 至 32 之间", "scale", "out_of_range");
  std::unique_ptr<QRcode, void (*)(QRcode*)> qr(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), QRcode_free);
  if (!qr) return Internal("QRcode_encodeString8bit failed");
  constexpr int kQuiet = 4;
  const int modules = qr->width + 2 * kQuiet;
  const int px = modules * scale;
  // 8-bit greyscale rows, each with filter byte 0.
  std::string raw;
  raw.reserve(static_cast<std::size_t>(px) * (px + 1));
  for (int y = 0; y < px; ++y) {
    raw.push_back('\0');
    const int my = y / scale - kQuiet;
    for (int x = 0; x < px; ++x) {
      const int mx = x / scale - kQuiet;
      const bool dark = my >= 0 && mx >= 0 && my < qr->width && mx < qr->width && (qr->data[my * qr->width + mx] & 1);
      raw.push_back(dark ? '\0' : static_cast<char>(0xFF));
    }
  }
  uLongf len = compressBound(static_cast<uLong>(raw.size()));
  std::string z(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 9) != Z_OK)
    return Internal("zlib compress2 failed");
  z.resize(len);
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  PutU32(ihdr, static_cast<std::uint32_t>(px));
  PutU32(ihdr, static_cast<std::uint32_t>(px));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8 bits, greyscale, deflate, no filter set, no interlace
  Chunk(png, "IHDR", ihdr);
  Chunk(png, "IDAT", z);
  Chunk(png, "IEND", "");
  if (size_px) *size_px = px;
  return png;
}

}  // namespace fazhi::files
