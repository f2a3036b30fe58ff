// Renders a files::Document as one self-contained, print-friendly HTML page (inline CSS, no scripts,
// no external resources) with the layout of the DOCX writer: `@page { size: A4; margin: 37mm 26mm
// 35mm 28mm }`, 3号 仿宋 text on a 22 × 28 grid, the red masthead and rule, headings in 黑体/楷体,
// bordered tables, 落款, 版记, and "— 1 —" page numbers when printed (odd pages right, even left).
// On screen the page shows as one white sheet of the 版心's width on grey; page breaks show as a
// dashed line. The bulletin and receipt pages serve it as is.
#pragma once

#include <string>

#include "core/error.h"
#include "files/document.h"

namespace fazhi::files {

struct HtmlOptions {
  // Show RunStyle::kSourceNote runs and tables' source notes (small grey text, also when printed).
  bool source_notes = true;
};

// The page (UTF-8, starting "<!DOCTYPE html>"). Every text of the document is escaped, so markup in
// it shows as text. Errors: InvalidArgument from Validate. Thread-safe.
Result<std::string> RenderDocumentHtml(const Document& doc, const HtmlOptions& options = {});

}  // namespace fazhi::files
