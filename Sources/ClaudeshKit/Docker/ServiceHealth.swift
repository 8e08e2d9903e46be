/// A service's health from its containers: running, and healthy when it has a HEALTHCHECK.
package struct ServiceHealth: Sendable {
    package var service: String
    package var containers: [DockerEngine.Container]

    package var problem: String? {
        guard !containers.isEmpty else { return "no container: start it with compose up \(service)" }
        if let down = containers.first(where: { $0.state != "running" }) {
            return "\(down.name) is \(down.state)" + (down.state == "exited" ? " (exit code \(down.exitCode)); see compose logs \(service)" : "")
        }
        if let sick = containers.first(where: { $0.health == "unhealthy" }) {
            return "\(sick.name) fails its HEALTHCHECK; see docker inspect \(sick.name)"
        }
        return nil
    }

    package var isHealthy: Bool { problem == nil }

    /// One entry per service of the file, in the file's order, with its containers.
    static func report(services: [String], containers: [DockerEngine.Container]) -> [ServiceHealth] {
        services.map { service in ServiceHealth(service: service, containers: containers.filter { $0.service == service }) }
    }
}
