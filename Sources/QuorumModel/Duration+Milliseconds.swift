extension Duration {
    /// Whole milliseconds, for libcurl options and SQL intervals.
    public var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
