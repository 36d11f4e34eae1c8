/// The names of the simulated drivers every scenario board has (each defined in this module).
public enum BuiltinDrivers {
    public static let gpioSim = "gpio-sim"
    public static let usb = "usb"
    public static let i2cEeprom = "i2c-eeprom"
    public static let spiLoopback = "spi-loopback"
    public static let softdog = SoftdogDriver.driverName
    public static let miscPipe = MiscPipeDriver.driverName
    public static let serialLoopback = SerialLoopbackDriver.driverName
    public static let serdevEcho = SerdevEchoDriver.driverName
    public static let sdhciSim = SDHCISimDriver.driverName
    public static let simEth = "sim-eth"
    public static let simUDC = "sim-udc"
    public static let simHdmi = SimHdmiDrmDriver.driverName
    public static let simCapture = SimCaptureDriver.driverName
    public static let names = [gpioSim, usb, i2cEeprom, spiLoopback, softdog, miscPipe, serialLoopback, serdevEcho, sdhciSim,
                               simEth, simUDC, simHdmi, simCapture]
}
