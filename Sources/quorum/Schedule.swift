import ArgumentParser
import Foundation
import QuorumAggregates
import QuorumDaemon
import QuorumModel
import QuorumStore

struct Schedule: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the next run times of the aggregation schedule (or of --cron), in its time zone and in UTC.",
        discussion: """
            A local time that does not exist (clocks jump forward) runs once, shifted forward by \
            the jump; a local time that occurs twice (clocks go back) runs once, at its first occurrence.
            """)
    @Option(help: "Configuration file whose aggregation schedule to show (default: $QUORUM_CONFIG).")
    var config: String?
    @Option(help: "A cron expression to show instead: minute hour day-of-month month day-of-week, or @hourly, @daily, …")
    var cron: String?
    @Option(name: .customLong("time-zone"), help: "IANA time zone for --cron (default: the configured one).")
    var timeZone: String?
    @Option(help: "How many runs to print.")
    var count = 10

    func run() throws {
        let schedule: CronSchedule
        do {
            let configured = try QuorumDaemon.Configuration.load(file: config, environment: ProcessInfo.processInfo.environment)
            schedule = try CronSchedule(
                cron ?? configured.aggregationSchedule,
                timeZone: timeZone ?? configured.aggregationTimeZone)
        } catch let error as FieldError {
            throw ValidationError(error.description)
        }
        let local = DateFormatter()
        local.timeZone = schedule.timeZone
        local.dateFormat = "yyyy-MM-dd HH:mm xxx"
        let utc = ISO8601DateFormatter()
        print("\(schedule)")
        for run in schedule.runs(after: Date(), count: count) {
            print("\(local.string(from: run)) \(schedule.timeZone.identifier)    \(utc.string(from: run))")
        }
    }
}
