#ifndef PERCH_CURL_SHIMS_H
#define PERCH_CURL_SHIMS_H
#include <curl/curl.h>

typedef size_t (*perch_curl_data_callback)(char *data, size_t size, size_t count, void *context);

CURLcode perch_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode perch_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/// For string and pointer options (strings are copied by libcurl, except POSTFIELDS).
CURLcode perch_curl_easy_setopt_pointer(CURL *handle, CURLoption option, const void *value);
CURLcode perch_curl_easy_setopt_callback(CURL *handle, CURLoption option, perch_curl_data_callback value);

CURLcode perch_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode perch_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);
CURLcode perch_curl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value);

CURLMcode perch_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/// curl_global_init(CURL_GLOBAL_DEFAULT): the flag is a composite macro Swift does not import.
CURLcode perch_curl_global_init_default(void);

/// Reads the next CURLMSG_DONE message of `multi`, skipping others, without touching the
/// CURLMsg union from Swift. Returns 1 and fills `easy` and `result` if one was found, else 0.
int perch_curl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/// Names the calling thread (for profiles and per-thread CPU figures); at most 15 characters on
/// Linux. pthread_setname_np needs _GNU_SOURCE, which Swift's Glibc module does not define.
void perch_curl_name_loop_thread(const char *name);

/// A wakeup channel for a loop thread sleeping in `perch_curl_multi_poll_wakeable`: an eventfd
/// on Linux (both ends the same fd), a non-blocking pipe elsewhere. Cheaper than curl_multi_wakeup,
/// whose socket pair costs a send and two receives per wakeup. Returns 0, or -1 on failure.
int perch_curl_wakeup_open(int *read_fd, int *write_fd);
/// Wakes the poller (any thread); a wakeup stays pending until the poll consumes it.
void perch_curl_wakeup_signal(int write_fd);
void perch_curl_wakeup_close(int read_fd, int write_fd);
/// curl_multi_poll that also returns when the channel was signalled, and then consumes the
/// pending wakeups.
CURLMcode perch_curl_multi_poll_wakeable(CURLM *multi, int read_fd, int timeout_ms);
#endif
