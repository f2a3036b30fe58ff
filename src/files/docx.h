// Writes a files::Document as a Word (.docx, WordprocessingML) file laid out per GB/T 9704-2012:
// A4, 版心 156 × 225 mm, a 22-line × 28-character grid (w:docGrid), 3号 仿宋 body, red masthead and
// rule, headings in 黑体/楷体/仿宋, tables, 落款, the 版记 framed at the foot of the last page, and
// "— 1 —" page numbers (odd pages right, even pages left). docs/documents.md has the details.
//
// The file is a ZIP (libzip) of hand-written XML parts: [Content_Types].xml, _rels/.rels,
// word/document.xml, styles.xml, settings.xml, fontTable.xml, footer1.xml (odd pages),
// footer2.xml (even pages), word/_rels/document.xml.rels and docProps/core.xml. The bytes depend
// only on the Document and the options (the ZIP entry times and core.xml dates come from
// Document::created), so the same input gives the same file.
#pragma once

#include <string>

#include "core/error.h"
#include "files/document.h"

namespace fazhi::files {

struct DocxOptions {
  // Print RunStyle::kSourceNote runs and tables' source notes (small grey text). Off by default: the
  // official copy carries the figures; the HTML draft shows where they came from.
  bool source_notes = false;
};

// The .docx bytes. Errors: InvalidArgument from Validate (the document cannot be laid out);
// Internal if the ZIP cannot be built. Thread-safe (no shared state).
Result<std::string> WriteDocx(const Document& doc, const DocxOptions& options = {});

}  // namespace fazhi::files
