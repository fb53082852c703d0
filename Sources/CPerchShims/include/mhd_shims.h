#ifndef PERCH_MHD_SHIMS_H
#define PERCH_MHD_SHIMS_H
#include <stdint.h>
#include <stddef.h>
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

/// The URI log callback: its return value becomes the request's initial `*con_cls`.
typedef void *(*perch_mhd_uri_log_callback)(void *cls, const char *uri, struct MHD_Connection *connection);

/// Typed options for `perch_mhd_start_server` (instead of untyped `MHD_OptionItem` pointers).
struct perch_mhd_server_options {
    MHD_AccessHandlerCallback access_handler;
    perch_mhd_uri_log_callback uri_log;
    MHD_RequestCompletedCallback request_completed;
    MHD_NotifyConnectionCallback notify_connection;
    /// Passed as `cls` to every callback above.
    void *cls;
    /// 0 or 1: no pool (the internal polling thread serves all connections).
    unsigned int thread_pool_size;
    unsigned int connection_limit;
    /// Seconds; 0 means no timeout.
    unsigned int connection_timeout;
    /// Connections one client address may hold open at once; 0 means no limit.
    unsigned int per_ip_connection_limit;
    /// A listening socket made by `perch_listen`.
    int listen_fd;
};

/// Starts a daemon on an already listening socket; NULL on failure.
struct MHD_Daemon *perch_mhd_start_server(unsigned int flags, const struct perch_mhd_server_options *options);

/// Opens a non-blocking, close-on-exec TCP socket bound to host:port and listening.
/// host is a numeric IPv4/IPv6 address or a name (resolved once, first result wins).
/// Returns the descriptor, or -1 with a readable message in `error` (always NUL-terminated).
int perch_listen(const char *host, uint16_t port, int backlog, char *error, size_t error_size);

/// The local port of a socket; 0 when unknown.
uint16_t perch_socket_port(int fd);

/// Makes a listening socket refuse new connections (the kernel resets them) without closing the
/// descriptor, which libmicrohttpd's threads may still reference until MHD_stop_daemon returns.
void perch_listen_refuse(int fd);

/// The socket of a connection; -1 when unknown.
int perch_mhd_connection_fd(struct MHD_Connection *connection);

/// The connection's socket context (what the connection notification stored); NULL when none.
void *perch_mhd_socket_context(struct MHD_Connection *connection);

/// The client's numeric address (IPv4 dotted or IPv6 text) into `buffer`; 0 on success, -1 when unknown.
int perch_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t size);

/// Shuts a socket down in both directions without closing the descriptor, so that the thread that
/// owns it sees the end of the stream and closes it itself.
void perch_shutdown(int fd);

/// Closes a descriptor.
void perch_close(int fd);
#endif
