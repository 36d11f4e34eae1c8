/* A UART driver keeping its struct uart_port in devm memory, as most serial drivers do:
 * serial_core keeps the tty_port in its uart_state and uart_remove_one_port() clears
 * state->uart_port, so open ttys never reach the driver's memory. Not devm-tty-port. */
#include <linux/platform_device.h>
#include <linux/serial_core.h>

struct widget_uart {
	struct uart_port port;
	void __iomem *membase;
};

static struct uart_driver widget_uart_reg = {
	.driver_name = "widget-uart",
	.nr = 1,
};

static int widget_uart_probe(struct platform_device *pdev)
{
	struct widget_uart *wu;

	wu = devm_kzalloc(&pdev->dev, sizeof(*wu), GFP_KERNEL);
	if (!wu)
		return -ENOMEM;
	wu->port.dev = &pdev->dev;
	platform_set_drvdata(pdev, wu);
	return uart_add_one_port(&widget_uart_reg, &wu->port);
}

static void widget_uart_remove(struct platform_device *pdev)
{
	struct widget_uart *wu = platform_get_drvdata(pdev);

	uart_remove_one_port(&widget_uart_reg, &wu->port);
}

static struct platform_driver widget_uart_driver = {
	.probe = widget_uart_probe,
	.remove_new = widget_uart_remove,
	.driver = {
		.name = "widget-uart",
	},
};
module_platform_driver(widget_uart_driver);
