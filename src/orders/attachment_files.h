// The bytes of 督办 attachments on disk, content-addressed: <dir>/<first two hex digits>/<sha256>.
// TODO(files): replaced by files::AttachmentStore (src/files/attachments.h: bytes in the database,
// type checked by content) once it lands; the metadata rows stay in `attachments`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "db/database.h"
#include "orders/orders_types.h"

namespace fazhi::orders {

// Where attachment bytes live: `configured`, else the FAZHI_ATTACHMENT_DIR environment variable,
// else `attachments` beside the data (db::DirBesideData).
std::string ResolveAttachmentDir(const std::string& configured, const db::Database& db);

// A file written to the store, as its row records it.
struct StoredFile {
  Attachment meta;       // filename (cleaned), content type, size, sha256
  std::string rel_path;  // under the attachment directory
};

// Writes each file (unless the same bytes are there already). A rolled-back transaction leaves at
// most an unreferenced file, never a row without bytes. Internal when the directory is not writable.
Result<std::vector<StoredFile>> WriteFiles(const std::string& dir, const std::vector<Upload>& files);

// The bytes at `rel_path`, checked against the recorded sha256 (a changed file is refused, not
// served). Internal when missing or changed (logged).
Result<std::string> ReadFile(const std::string& dir, const std::string& rel_path, const Attachment& meta);

// The last path component, without control characters or quotes, at most 200 bytes; "附件" when
// nothing usable is left.
std::string CleanFilename(std::string name);

// Lower-case hex SHA-256.
std::string Sha256Hex(std::string_view bytes);

}  // namespace fazhi::orders
