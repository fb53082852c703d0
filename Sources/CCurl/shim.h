#ifndef PERCH_CCURL_SHIM_H
#define PERCH_CCURL_SHIM_H
#include <curl/curl.h>
#endif
