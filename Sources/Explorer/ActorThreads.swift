import Instrumentation
#if canImport(Glibc)
import Glibc
#endif

/// Starts and joins the real threads that run one execution's actors.
enum ActorThreads {
    final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Runs `body` on a new joinable thread; nil if the system refused a thread.
    static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, context)
        if rc != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        return thread
    }

    static func join(_ thread: pthread_t) { pthread_join(thread, nil) }

    /// Runs every body of `execution` under `serializer`, one thread each, until all have left.
    static func run(_ execution: PreparedExecution, serializer: Serializer, timeoutSeconds: Double) {
        serializer.run(timeoutSeconds: timeoutSeconds, spawn: { i in
            let body = execution.bodies[i]
            let t = spawn {
                serializer.attach(i)
                Scheduling.withController(serializer) { body() }
                serializer.finish()
            }
            // Out of threads: nothing sane to do, and hanging would be worse.
            guard let t else { fatalError("explorer: pthread_create failed") }
            return t
        }, join: join)
    }
}
