// 接报案回执: the receipt handed to the citizen on the spot (三个当场), as an official-looking page
// through the shared documents service (files/document.h: DOCX and the print page), with the query
// code and a QR code (files/qr_png.h) that opens the public lookup.
#pragma once

#include <string>

#include "core/error.h"
#include "files/document.h"
#include "intake/intake_types.h"

namespace fazhi::intake {

// The receipt of `t` (its reporter already masked), with the query code in clear, the lookup URL
// (and its QR code), the hall's telephone and the organ that signs it.
Result<files::Document> ReceiptDocument(const Ticket& t, const std::string& query_code, const std::string& lookup_url,
                                        const std::string& hall_phone, const std::string& organ,
                                        EpochSeconds printed_at);

}  // namespace fazhi::intake
