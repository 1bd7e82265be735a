/* The C interface of libipt_page_preview.so (page_preview_module.cpp), loaded with dlopen by
   portal/src/page_preview.cpp. */
#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { IPT_PREVIEW_OK = 0, IPT_PREVIEW_UNREADABLE = 1, IPT_PREVIEW_NO_SUCH_PAGE = 2, IPT_PREVIEW_FAILED = 3 };

/* The number of pages of `pdf`, or -1 when poppler cannot read it. */
int ipt_preview_page_count(const unsigned char* pdf, size_t size);
/* Page `index` (0-based) as PNG bytes `width` pixels wide, in `*png` (to be released with
   ipt_preview_free); one of the codes above. */
int ipt_preview_render_png(const unsigned char* pdf, size_t size, int index, int width, unsigned char** png, size_t* png_size);
void ipt_preview_free(unsigned char* png);

#ifdef __cplusplus
}
#endif
