extension ConfigFile {
    /// What is wrong with one key's value, in words that follow the key.
    public struct KeyProblem: Error, Equatable, Sendable {
        public let key: String
        public let message: String
    }

    /// Typed reading of parsed keys, one rule for every file Quorum reads (the
    /// daemon's configuration with its reports, and chart files): an absent key
    /// is nil, and a value of another type, or out of range, is a `KeyProblem`.
    /// Settings from the environment are strings, so `"true"` and `"false"` are
    /// booleans, and one string is an array of one.
    public struct Reader: Sendable {
        public let values: [String: Value]

        public init(_ values: [String: Value]) {
            self.values = values
        }

        public func string(_ key: String) throws(KeyProblem) -> String? {
            switch values[key] {
            case nil: return nil
            case .string(let text)?: return text
            default: throw KeyProblem(key: key, message: "must be a string, in quotes")
            }
        }

        public func integer(_ key: String, in range: ClosedRange<Int>) throws(KeyProblem) -> Int? {
            switch values[key] {
            case nil: return nil
            case .integer(let number)? where range.contains(number): return number
            default: throw KeyProblem(key: key, message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
        }

        public func boolean(_ key: String) throws(KeyProblem) -> Bool? {
            switch values[key] {
            case nil: return nil
            case .boolean(let flag)?: return flag
            case .string("true")?: return true
            case .string("false")?: return false
            default: throw KeyProblem(key: key, message: "must be true or false")
            }
        }

        public func strings(_ key: String) throws(KeyProblem) -> [String]? {
            switch values[key] {
            case nil: return nil
            case .strings(let list)?: return list
            case .string(let single)?: return [single]
            default: throw KeyProblem(key: key, message: "must be an array of strings, like [\"a\", \"b\"]")
            }
        }
    }
}
