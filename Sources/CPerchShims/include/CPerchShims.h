#ifndef PERCH_SHIMS_H
#define PERCH_SHIMS_H
// Typed, non-variadic wrappers for the C functions Swift cannot call (variadic ones).
// One header per library; this umbrella is what Swift imports.
#include "mhd_shims.h"
#include "curl_shims.h"
#endif
