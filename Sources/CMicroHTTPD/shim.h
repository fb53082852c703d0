#ifndef PERCH_CMICROHTTPD_SHIM_H
#define PERCH_CMICROHTTPD_SHIM_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>
#endif
