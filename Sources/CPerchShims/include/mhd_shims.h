#ifndef PERCH_MHD_SHIMS_H
#define PERCH_MHD_SHIMS_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <microhttpd.h>

/// Starts a daemon with every option passed as one MHD_OPTION_ARRAY (terminated by MHD_OPTION_END).
struct MHD_Daemon *perch_mhd_start_daemon(unsigned int flags, uint16_t port,
                                          MHD_AccessHandlerCallback handler, void *handler_cls,
                                          const struct MHD_OptionItem *options);

/// The port the daemon is bound to (useful after binding port 0); 0 when unknown.
uint16_t perch_mhd_bound_port(struct MHD_Daemon *daemon);

/// Number of connections the daemon holds open right now.
unsigned int perch_mhd_current_connections(struct MHD_Daemon *daemon);
#endif
