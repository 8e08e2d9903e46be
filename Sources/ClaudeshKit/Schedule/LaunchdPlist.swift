/// A launchd agent for one job (macOS): `~/Library/LaunchAgents/com.claudesh.NAME.plist`.
package enum LaunchdPlist {
    static func label(of job: ScheduledJob) -> String { "com.claudesh.\(job.name)" }

    package static func fileName(of job: ScheduledJob) -> String { label(of: job) + ".plist" }

    /// The property list, as launchd reads it.
    package static func render(_ job: ScheduledJob, target: ScheduleTarget) -> String {
        var body: [String] = [
            key("Label") + string(label(of: job)),
            key("ProgramArguments") + array(([target.program] + target.arguments(for: job)).map(string)),
        ]
        switch job.when {
        case .everyMinutes(let minutes):
            body.append(key("StartInterval") + integer(minutes * 60))
        case .atBoot:
            body.append(key("RunAtLoad") + "<true/>")
        case .daily(let hour, let minute):
            body.append(key("StartCalendarInterval") + dictionary([key("Hour") + integer(hour), key("Minute") + integer(minute)]))
        case .weekly(let weekday, let hour, let minute):
            body.append(key("StartCalendarInterval") + dictionary([key("Weekday") + integer(weekday), key("Hour") + integer(hour), key("Minute") + integer(minute)]))
        }
        if !target.environment.isEmpty {
            body.append(key("EnvironmentVariables") + dictionary(target.environment.map { key($0.0) + string($0.1) }))
        }
        body.append(key("StandardOutPath") + string(target.logPath(of: job)))
        body.append(key("StandardErrorPath") + string(target.logPath(of: job)))
        return document(body)
    }

    /// A property list of one dictionary holding `body`'s keys and values.
    static func document(_ body: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        \(dictionary(body))
        </plist>

        """
    }

    static func key(_ name: String) -> String { "<key>\(escaped(name))</key>" }
    static func string(_ text: String) -> String { "<string>\(escaped(text))</string>" }
    static func integer(_ value: Int) -> String { "<integer>\(value)</integer>" }
    static func array(_ items: [String]) -> String { "<array>" + items.joined() + "</array>" }
    static func dictionary(_ items: [String]) -> String { "<dict>" + items.joined() + "</dict>" }

    static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
    }
}
