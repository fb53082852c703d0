#include "mhd_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct MHD_Daemon *perch_mhd_start_daemon(unsigned int flags, uint16_t port,
                                          MHD_AccessHandlerCallback handler, void *handler_cls,
                                          const struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

uint16_t perch_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

unsigned int perch_mhd_current_connections(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info == NULL ? 0 : info->num_connections;
}

struct MHD_Daemon *perch_mhd_start_server(unsigned int flags, const struct perch_mhd_server_options *o) {
    /* A pool size of 0 or 1 would be rejected or pointless: leave the option out then. */
    struct MHD_OptionItem pool[3] = {
        {o->per_ip_connection_limit > 0 ? MHD_OPTION_PER_IP_CONNECTION_LIMIT : MHD_OPTION_END,
         o->per_ip_connection_limit, NULL},
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* Options are read up to the first MHD_OPTION_END, so the present ones come first. */
    int next = o->per_ip_connection_limit > 0 ? 1 : 0;
    if (o->thread_pool_size > 1) {
        pool[next].option = MHD_OPTION_THREAD_POOL_SIZE;
        pool[next].value = o->thread_pool_size;
    }
    return MHD_start_daemon(flags, 0, NULL, NULL, o->access_handler, o->cls,
                            MHD_OPTION_LISTEN_SOCKET, (MHD_socket)o->listen_fd,
                            MHD_OPTION_URI_LOG_CALLBACK, o->uri_log, o->cls,
                            MHD_OPTION_NOTIFY_COMPLETED, o->request_completed, o->cls,
                            MHD_OPTION_NOTIFY_CONNECTION, o->notify_connection, o->cls,
                            MHD_OPTION_CONNECTION_LIMIT, o->connection_limit,
                            MHD_OPTION_CONNECTION_TIMEOUT, o->connection_timeout,
                            MHD_OPTION_ARRAY, pool,
                            MHD_OPTION_END);
}

int perch_listen(const char *host, uint16_t port, int backlog, char *error, size_t error_size) {
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    struct addrinfo *found = NULL;
    const char *node = (host == NULL || host[0] == '\0') ? NULL : host;
    int gai = getaddrinfo(node, service, &hints, &found);
    if (gai != 0 || found == NULL) {
        snprintf(error, error_size, "cannot resolve host '%s': %s", host == NULL ? "" : host,
                 gai != 0 ? gai_strerror(gai) : "no address");
        return -1;
    }
    int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        snprintf(error, error_size, "cannot create a socket for '%s': %s", host, strerror(errno));
        freeaddrinfo(found);
        return -1;
    }
    int one = 1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
        snprintf(error, error_size, "cannot bind %s port %u: %s", host, (unsigned)port, strerror(errno));
        close(fd);
        freeaddrinfo(found);
        return -1;
    }
    freeaddrinfo(found);
    if (listen(fd, backlog) != 0) {
        snprintf(error, error_size, "cannot listen on %s port %u: %s", host, (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

uint16_t perch_socket_port(int fd) {
    struct sockaddr_storage address;
    socklen_t length = sizeof address;
    if (getsockname(fd, (struct sockaddr *)&address, &length) != 0) return 0;
    if (address.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&address)->sin_port);
    if (address.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
    return 0;
}

void perch_listen_refuse(int fd) {
    (void)shutdown(fd, SHUT_RDWR);
}

void perch_close(int fd) {
    (void)close(fd);
}

int perch_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}

int perch_mhd_client_address(struct MHD_Connection *connection, char *buffer, size_t size) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL || size == 0) return -1;
    const struct sockaddr *address = info->client_addr;
    const void *raw = NULL;
    if (address->sa_family == AF_INET) {
        raw = &((const struct sockaddr_in *)address)->sin_addr;
    } else if (address->sa_family == AF_INET6) {
        raw = &((const struct sockaddr_in6 *)address)->sin6_addr;
    } else {
        return -1;
    }
    return inet_ntop(address->sa_family, raw, buffer, (socklen_t)size) == NULL ? -1 : 0;
}

void perch_shutdown(int fd) {
    if (fd >= 0) (void)shutdown(fd, SHUT_RDWR);
}

void *perch_mhd_socket_context(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info == NULL ? NULL : info->socket_context;
}
