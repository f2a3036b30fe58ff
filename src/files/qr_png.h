// QR codes as PNG images, for anything that prints or shows a link to be scanned: the intake
// receipt's lookup address, the training check-in page, the 会前学法 demo pictures.
#pragma once

#include <string>

#include "core/error.h"

namespace fazhi::files {

// A QR code (error correction M) of `text` as a black-on-white 8-bit greyscale PNG, `scale` pixels a
// module (1–32) with a 4-module quiet zone; `size_px` (if given) receives its width (= height).
// InvalidArgument for a scale outside 1–32; Internal when libqrencode cannot encode the text (too
// long for a QR code). libqrencode + zlib. Thread-safe.
Result<std::string> QrPng(const std::string& text, int scale, int* size_px = nullptr);

}  // namespace fazhi::files
