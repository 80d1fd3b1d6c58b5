//! GTK's own harmless complaints, kept off stderr. Pressing Enter in a
//! native file dialog closes it on the key press; the key release then
//! reaches a widget already gone and GTK asserts
//! (`gtk_widget_event: assertion 'WIDGET_REALIZED_FOR_EVENT ...' failed`).
//! Nothing is wrong, but a user running the app from a terminal reads it as
//! a crash report. Every other message goes to GLib's default handler.

/// The one message left out.
const HARMLESS: &str = "WIDGET_REALIZED_FOR_EVENT";

#[cfg(target_os = "linux")]
pub fn quiet() {
    glib::log_set_handler(
        Some("Gtk"),
        glib::LogLevels::LEVEL_CRITICAL,
        false,
        false,
        |domain, level, message| {
            if !message.contains(HARMLESS) {
                glib::log_default_handler(domain, level, Some(message));
            }
        },
    );
}

#[cfg(not(target_os = "linux"))]
pub fn quiet() {}
