#define _GNU_SOURCE
#include "curl_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

CURLcode perch_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode perch_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode perch_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode perch_curl_easy_setopt_callback(CURL *handle, CURLoption option, perch_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}
CURLcode perch_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
CURLcode perch_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value) {
    return curl_easy_getinfo(handle, info, value);
}
CURLcode perch_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
CURLMcode perch_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

CURLcode perch_curl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}
int perch_curl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

void perch_curl_name_loop_thread(const char *name) {
#if defined(__APPLE__)
    pthread_setname_np(name);
#else
    pthread_setname_np(pthread_self(), name);
#endif
}

int perch_curl_wakeup_open(int *read_fd, int *write_fd) {
#if defined(__linux__)
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) return -1;
    *read_fd = fd;
    *write_fd = fd;
    return 0;
#else
    int fds[2];
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
        fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    }
    *read_fd = fds[0];
    *write_fd = fds[1];
    return 0;
#endif
}

void perch_curl_wakeup_signal(int write_fd) {
    // A full counter or pipe already means "wake up": EAGAIN is fine.
#if defined(__linux__)
    uint64_t one = 1;
    while (write(write_fd, &one, sizeof one) < 0 && errno == EINTR) {}
#else
    char one = 1;
    while (write(write_fd, &one, 1) < 0 && errno == EINTR) {}
#endif
}

void perch_curl_wakeup_close(int read_fd, int write_fd) {
    close(read_fd);
    if (write_fd != read_fd) close(write_fd);
}

CURLMcode perch_curl_multi_poll_wakeable(CURLM *multi, int read_fd, int timeout_ms) {
    struct curl_waitfd extra = { .fd = read_fd, .events = CURL_WAIT_POLLIN, .revents = 0 };
    CURLMcode code = curl_multi_poll(multi, &extra, 1, timeout_ms, NULL);
    if (code == CURLM_OK && (extra.revents & CURL_WAIT_POLLIN)) {
        // Consume the wakeups so that the next poll sleeps again.
#if defined(__linux__)
        uint64_t count;
        while (read(read_fd, &count, sizeof count) < 0 && errno == EINTR) {}
#else
        char buffer[64];
        while (read(read_fd, buffer, sizeof buffer) > 0 || errno == EINTR) {}
#endif
    }
    return code;
}
