#include "CEditLine.h"
#include <histedit.h>
#include "CLoader.h"
#include <pthread.h>
#include <signal.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

struct cedit {
    EditLine *el;
    int reader;      // a non-blocking descriptor on the terminal (csignal_open_reader)
    int interrupted; // the last read stopped for a signal, not for end of input
    History *history;
    char *prompt;
    void *context;
    cedit_complete_fn complete;
};

// libedit is loaded with dlopen when the prompt first opens: linked, it cost every claudesh run
// (a one-shot command, a TAB in bash, a cron job) about a third of a millisecond of start-up
// for a library only the prompt uses (README, design). Each pointer has the type histedit.h
// declares for the function.
static struct {
    __typeof__(el_init) *el_init;
    __typeof__(el_end) *el_end;
    __typeof__(el_set) *el_set;
    __typeof__(el_get) *el_get;
    __typeof__(el_gets) *el_gets;
    __typeof__(el_insertstr) *el_insertstr;
    __typeof__(el_line) *el_line;
    __typeof__(el_resize) *el_resize;
    __typeof__(history_init) *history_init;
    __typeof__(history_end) *history_end;
    __typeof__(history) *history;
} edit;

static cloader_library libedit;

static pthread_once_t edit_once = PTHREAD_ONCE_INIT;

static void edit_load(void) {
    const char *names[] = {"libedit.so.2", "libedit.so.0", "/usr/lib/libedit.3.dylib", "libedit.dylib", NULL};
    if (!cloader_open(&libedit, names, "libedit (libedit.so.2) is not installed: apt-get install libedit2")) return;
    edit.el_init = cloader_symbol(&libedit, "el_init", "the system\'s libedit lacks %s");
    edit.el_end = cloader_symbol(&libedit, "el_end", "the system\'s libedit lacks %s");
    edit.el_set = cloader_symbol(&libedit, "el_set", "the system\'s libedit lacks %s");
    edit.el_get = cloader_symbol(&libedit, "el_get", "the system\'s libedit lacks %s");
    edit.el_gets = cloader_symbol(&libedit, "el_gets", "the system\'s libedit lacks %s");
    edit.el_insertstr = cloader_symbol(&libedit, "el_insertstr", "the system\'s libedit lacks %s");
    edit.el_line = cloader_symbol(&libedit, "el_line", "the system\'s libedit lacks %s");
    edit.el_resize = cloader_symbol(&libedit, "el_resize", "the system\'s libedit lacks %s");
    edit.history_init = cloader_symbol(&libedit, "history_init", "the system\'s libedit lacks %s");
    edit.history_end = cloader_symbol(&libedit, "history_end", "the system\'s libedit lacks %s");
    edit.history = cloader_symbol(&libedit, "history", "the system\'s libedit lacks %s");
}

const char *cedit_load_failure(void) {
    pthread_once(&edit_once, edit_load);
    return libedit.failure[0] ? libedit.failure : NULL;
}

static char *prompt_of(EditLine *el) {
    cedit *editor = NULL;
    edit.el_get(el, EL_CLIENTDATA, &editor);
    return (editor && editor->prompt) ? editor->prompt : "> ";
}

static void on_wake(int signo, void *data) {
    EditLine *el = data;
    if (signo == SIGWINCH) edit.el_resize(el);
    edit.el_set(el, EL_REFRESH);
}

/// libedit's own reader waits for EINTR, which a signal delivered to another thread never
/// causes; this one waits on the terminal and on the signal pipe together.
static int read_char(EditLine *el, wchar_t *wide) {
    cedit *editor = NULL;
    edit.el_get(el, EL_CLIENTDATA, &editor);
    unsigned char bytes[MB_LEN_MAX];
    size_t count = 0;
    for (;;) {
        int got = csignal_read_byte(editor->reader, &bytes[count], on_wake, el);
        if (got < 0 && errno == EINTR) editor->interrupted = 1;
        if (got <= 0) return got;
        count++;
        mbstate_t state;
        memset(&state, 0, sizeof state);
        size_t used = mbrtowc(wide, (const char *)bytes, count, &state);
        if (used == (size_t)-2 && count < MB_LEN_MAX) continue; // the rest of a UTF-8 sequence
        if (used == (size_t)-1 || used == (size_t)-2) *wide = (wchar_t)bytes[0]; // not text: pass the byte on
        return 1;
    }
}

static unsigned char complete_key(EditLine *el, int ch) {
    (void)ch;
    cedit *editor = NULL;
    edit.el_get(el, EL_CLIENTDATA, &editor);
    if (!editor || !editor->complete) return CC_ERROR;
    return editor->complete(editor->context, editor);
}

cedit *cedit_open(const char *program, int history_size, void *context, cedit_complete_fn complete) {
    if (cedit_load_failure()) return NULL;
    cedit *editor = calloc(1, sizeof *editor);
    if (!editor) return NULL;
    editor->el = edit.el_init(program, stdin, stdout, stderr);
    if (!editor->el) { free(editor); return NULL; }
    editor->context = context;
    editor->complete = complete;
    editor->reader = csignal_open_reader(fileno(stdin));
    editor->history = edit.history_init();
    HistEvent event;
    edit.history(editor->history, &event, H_SETSIZE, history_size);
    edit.el_set(editor->el, EL_CLIENTDATA, editor);
    edit.el_set(editor->el, EL_EDITOR, "emacs");
    edit.el_set(editor->el, EL_GETCFN, read_char);
    edit.el_set(editor->el, EL_HIST, edit.history, editor->history);
    edit.el_set(editor->el, EL_PROMPT_ESC, prompt_of, '\1');
    edit.el_set(editor->el, EL_ADDFN, "claudesh-complete", "complete the word at the cursor", complete_key);
    edit.el_set(editor->el, EL_BIND, "^I", "claudesh-complete", NULL);
    // Ctrl-R searches history backwards as in readline.
    edit.el_set(editor->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
    return editor;
}

void cedit_close(cedit *editor) {
    if (!editor) return;
    edit.el_end(editor->el);
    edit.history_end(editor->history);
    csignal_close_reader(editor->reader, fileno(stdin));
    free(editor->prompt);
    free(editor);
}

void cedit_set_prompt(cedit *editor, const char *prompt) {
    char *copy = strdup(prompt);
    if (!copy) return;
    free(editor->prompt);
    editor->prompt = copy;
}

const char *cedit_gets(cedit *editor, int *count, int *interrupted) {
    csignal_drain_prompt();
    editor->interrupted = 0;
    // el_gets draws the prompt before it leaves cooked mode, so a key pressed as the prompt
    // appears would go to the kernel's line discipline: Ctrl-D there becomes a NUL byte and the
    // line is echoed twice. Raw mode first, as readline does; el_gets restores cooked mode.
    edit.el_set(editor->el, EL_PREP_TERM, 1);
    const char *line = edit.el_gets(editor->el, count);
    *interrupted = editor->interrupted;
    return line;
}

void cedit_history_add(cedit *editor, const char *line) {
    HistEvent event;
    edit.history(editor->history, &event, H_ENTER, line);
}

const char *cedit_line(cedit *editor, int *cursor, int *length) {
    const LineInfo *info = edit.el_line(editor->el);
    *cursor = (int)(info->cursor - info->buffer);
    *length = (int)(info->lastchar - info->buffer);
    return info->buffer;
}

int cedit_insert(cedit *editor, const char *text) {
    return edit.el_insertstr(editor->el, text);
}

int cedit_columns(cedit *editor) {
    int columns = 0;
    if (edit.el_get(editor->el, EL_GETTC, "co", &columns) != 0 || columns <= 0) return 80;
    return columns;
}

FILE *cedit_output(cedit *editor) {
    FILE *out = NULL;
    edit.el_get(editor->el, EL_GETFP, 1, &out);
    return out ? out : stdout;
}
