#include "multi.h"
struct multi *multi_alloc(struct device *dev)
{
	struct multi *m;

	m = devm_kzalloc(dev, sizeof(*m), GFP_KERNEL);
	return m;
}
