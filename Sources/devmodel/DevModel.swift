import ArgumentParser

@main
struct DevModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devmodel",
        abstract: "The Linux device-driver model, with resource ownership and lifetime done right.",
        discussion: """
        devmodel runs a simulated kernel: buses, devices, drivers, devres and the two \
        lifetimes of every device — bound (probe → unbind; devres releases newest-first) and \
        object (until the last reference, such as an open file, is dropped) — and the tools that \
        prove a design keeps them apart.

        GETTING STARTED
          devmodel demo              the built-in board, end to end
          devmodel demo STORY        gpio-unbind, i2c-del-adapter, hotplug,
                                     deferred or devres-order
          devmodel run FILE...       run scenarios (--json, --format ktap)
          devmodel explore FILE      explore interleavings, replay failures
          devmodel conformance       the kernel peer suites' cases, as KTAP

        TOOLS
          gpio, i2c                  libgpiod and i2c-tools shapes (gpio mon:
                                     gpiomon on a simulated signal)
          tree, deferred, events     device tree, devices_deferred, uevents
          torture, faults, bugs      stress, fail-nth, the real-bug corpus
          lint                       devm-lifetime hazards in kernel C

        EXIT STATUS (the same for every subcommand)
            0  success
            1  failures or findings
            3  explore: the search stopped at its execution cap, incomplete
            4  nothing selected (an empty shard, a filter that matches nothing)
           64  usage: a bad option or value
           65  invalid input: not a valid scenario or result document, or the
               same shard twice (merge)
           66  missing input: no such file, a directory where a file belongs,
               an unreadable file
           70  internal error
           73  an output (-o, --trace) cannot be written, e.g. its folder is
               missing
          124  deadline reached (run --deadline)
          130  interrupted (Ctrl-C)

        EVERY SUBCOMMAND
          -q, --quiet                results only: no progress, no log messages
          -v, --verbose              log more on stderr: -v info, -vv debug,
                                     -vvv trace (default: warnings)
          --seed N                   where choices are random (explore,
                                     torture, gpio mon --drive random)

        Results go to standard output, diagnostics and progress to standard error. NO_COLOR and \
        FORCE_COLOR are honoured. Shell completion: devmodel --generate-completion-script bash|zsh|fish.
        """,
        version: "0.1.0",
        subcommands: [Demo.self, Run.self, Check.self, Tree.self, Deferred.self, Lint.self, Events.self, Gpio.self, I2c.self, Merge.self, ConformanceCommand.self, TortureCommand.self, FaultsCommand.self, BugsCommand.self, Explore.self, PromelaCommand.self])
}
