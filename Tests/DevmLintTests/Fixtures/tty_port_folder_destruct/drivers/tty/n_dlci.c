/* Another driver of the same folder, like drivers/tty/n_gsm.c beside mxser.c: its own ports
 * are kzalloc()ed and freed by their .destruct. That says nothing of widget_tty.c's ports,
 * whose ops set no .destruct: widget_tty.c stays reported. */
#include <linux/tty.h>

struct dlci {
	struct tty_port port;
	int addr;
};

static void dlci_destruct(struct tty_port *port)
{
	struct dlci *d = container_of(port, struct dlci, port);

	kfree(d);
}

static const struct tty_operations dlci_ops = {
};

static const struct tty_port_operations dlci_port_ops = {
	.destruct = dlci_destruct,
};

struct dlci *dlci_alloc(int addr)
{
	struct dlci *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	tty_port_init(&d->port);
	d->port.ops = &dlci_port_ops;
	d->addr = addr;
	return d;
}
