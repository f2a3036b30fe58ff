// 督办通知书: one supervision order as an official document — the DOCX people print, sign and file
// in the case's paper dossier, and the print page the browser shows (files/document.h lays both out
// in the GB/T 9704 style). Built from the order as Get returns it (with its steps), so the document
// says exactly what the 督办 page says.
#pragma once

#include <string>

#include "files/document.h"
#include "orders/orders_types.h"

namespace fazhi::orders {

// Title "执法监督督办通知书", the 督办编号, the unit it is addressed to, a table of the order (case,
// problem, 整改意见, 责任民警, 整改期限, status) and a table of its steps (time, act, who, note,
// attachment count), signed by `issuer_organ` (the issuer's unit). `now` is the 印发 date and, for an
// order not yet closed, the document's time (a closed order's file is the same whenever it is made).
files::Document OrderDocument(const Order& order, const std::string& issuer_organ, EpochSeconds now);

}  // namespace fazhi::orders
