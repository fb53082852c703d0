/// The outcome of checking a webhook's signature.
public enum SignatureCheck: Sendable, Equatable {
    /// The signature is valid; `scheme` is one of ``SignatureVerifier/messageBirdJWTScheme``,
    /// ``SignatureVerifier/messageBirdHMACScheme`` or ``SignatureVerifier/birdHMACScheme``.
    case verified(scheme: String)
    /// No signing key is configured for this generation, so the request is accepted unchecked.
    case unsigned
    /// The request must be refused (401); `reason` is safe to log and to send back: it never
    /// holds a key or a signature.
    case rejected(reason: String)
}
