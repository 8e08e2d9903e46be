#ifndef CEDITLINE_H
#define CEDITLINE_H

#include <stdio.h>

/// Return codes of a key binding, as libedit's CC_* values.
enum {
    CEDIT_REFRESH = 4,
    CEDIT_ERROR = 6,
    CEDIT_REDISPLAY = 8,
};

typedef struct cedit cedit;

/// Called on TAB with the editor and the context given to cedit_open; returns a CEDIT_* code.
typedef unsigned char (*cedit_complete_fn)(void *context, cedit *editor);

/// Loads libedit once (later calls are free): NULL when it can be used, else why not.
const char *cedit_load_failure(void);
/// Opens an emacs-style editor on stdin/stdout/stderr with `history_size` entries of history;
/// NULL when libedit cannot be loaded (cedit_load_failure says why) or memory ran out.
cedit *cedit_open(const char *program, int history_size, void *context, cedit_complete_fn complete);
void cedit_close(cedit *editor);

/// The prompt; bytes between two \001 are escape sequences that take no columns.
void cedit_set_prompt(cedit *editor, const char *prompt);

/// Reads one line. NULL at end of input, or when a signal stopped the read: then
/// `*interrupted` is 1.
const char *cedit_gets(cedit *editor, int *count, int *interrupted);

void cedit_history_add(cedit *editor, const char *line);

/// The line being edited: its bytes (not NUL-terminated), the cursor's and the end's byte offsets.
const char *cedit_line(cedit *editor, int *cursor, int *length);
int cedit_insert(cedit *editor, const char *text);
int cedit_columns(cedit *editor);
FILE *cedit_output(cedit *editor);

/// Installs handlers for SIGINT, SIGHUP, SIGTERM, SIGWINCH and SIGCONT that record the signal and
/// write its number to two self-pipes: one for whoever cancels running commands (returned here),
/// one that wakes a read at the prompt. Signals may land on any thread, so nothing relies on EINTR.
int csignal_install(void);

/// Ctrl-\ (SIGQUIT): ignored at an interactive prompt, as bash ignores it, or else quits as any
/// program does. Either way the Swift runtime's handler, which reports a crash and may hold the
/// terminal for its interactive backtrace, never takes it. Children start with the default.
void csignal_quit(int ignore);
/// Reads one byte from `fd`, waking on the prompt pipe as well: 1 read, 0 end of input,
/// -1 interrupted by SIGINT/SIGHUP/SIGTERM (errno EINTR) or an error. `on_wake` is called for SIGWINCH/SIGCONT.
int csignal_read_byte(int fd, unsigned char *byte, void (*on_wake)(int signo, void *data), void *data);
/// Forgets signals that arrived while no one was reading at the prompt.
void csignal_drain_prompt(void);
/// A non-blocking descriptor on the terminal that `fd` is, for csignal_read_byte: a blocking
/// read can wait forever after poll said "readable" if Ctrl-C flushed the input in between.
/// It is a separate open of the terminal, so the parent shell's descriptor flags stay as they
/// were. Falls back to `fd` itself; close it with csignal_close_reader.
int csignal_open_reader(int fd);
void csignal_close_reader(int reader, int fd);
/// Returns 1 and clears the flag if SIGINT arrived since the last call.
int csignal_take_interrupt(void);
/// The SIGHUP or SIGTERM that asks the process to end, or 0.
int csignal_termination(void);

#ifdef __linux__
/// libdispatch's hooks for a loop on the main thread that drains the main queue (what
/// Foundation's RunLoop uses on Linux): an eventfd that becomes readable when work is queued,
/// and the call that runs that work. Exported by libdispatch, declared in its private header.
int _dispatch_get_main_queue_handle_4CF(void);
void _dispatch_main_queue_callback_4CF(void *message);
#endif

#endif
