// Include SOCI through this header only. Debian's soci-config.h claims Boost support, which would
// drag in Boost.Fusion headers we neither install nor use (STACK.md §2, pitfall 1).
#pragma once

#include <soci/soci-config.h>
#undef SOCI_HAVE_BOOST
#undef SOCI_HAVE_BOOST_DATE_TIME
#include <soci/soci.h>
