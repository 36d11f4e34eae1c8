import ArgumentParser

@main
struct DevModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devmodel",
        abstract: "The Linux device-driver model, with resource ownership and lifetime done right.",
        discussion: """
        devmodel runs a simulated kernel: buses, devices, drivers, devres and the two lifetimes \
        of every device (bound: probe → unbind; object: until the last reference is dropped).
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Run.self, Check.self, Tree.self, Deferred.self, Lint.self, Events.self, Gpio.self, I2c.self, Merge.self, ConformanceCommand.self, TortureCommand.self, FaultsCommand.self, BugsCommand.self, Explore.self])
}
