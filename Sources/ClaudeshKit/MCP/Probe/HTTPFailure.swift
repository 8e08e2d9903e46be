extension ProbeFailure {
    init(_ error: NetError) {
        switch error {
        case .invalidURL(let reason): self = .unsupportedURL(reason)
        case .tls(let reason): self = .tls(reason)
        case .redirect(let reason): self = .redirect(reason)
        case .unavailable: self = .unavailable(error.description)
        default: self = .connection(error.description)
        }
    }
}
