#include <linux/miscdevice.h>
#if 0
struct widget { struct miscdevice misc; 
#endif
static const char *s = "unterminated { string
struct { int a; } ;;; }}}} ((( [[
__attribute__((unused)) static int f(void) { return "}" [0]; }
/* unterminated comment { struct cdev c;
