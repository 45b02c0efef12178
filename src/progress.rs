//! How a long job tells the person waiting how far along it is.
//!
//! The functions that read a whole file or reconcile files take a
//! `&mut dyn Progress` ([`crate::records::load`], the `read_*` functions of
//! [`crate::records`], [`crate::reconcile::reconcile_files`]). A caller that
//! shows nothing passes [`NoProgress`]; any closure `|step: &str, done: f32|`
//! is a [`Progress`] too, which is how the page's binding and the
//! reconciliation's own progress bar listen.

/// Hears how far a job has come.
pub trait Progress {
    /// The job is doing `step` (words for the person waiting, such as
    /// "Reading charges.xlsx") and is `done` of the way through, from 0 to 1.
    fn report(&mut self, step: &str, done: f32);
}

/// For callers that show no progress.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn report(&mut self, _step: &str, _done: f32) {}
}

impl<F: FnMut(&str, f32)> Progress for F {
    fn report(&mut self, step: &str, done: f32) {
        self(step, done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closure_hears_every_report_and_no_progress_hears_none() {
        let mut heard = Vec::new();
        let mut listener = |step: &str, done: f32| heard.push((step.to_string(), done));
        let progress: &mut dyn Progress = &mut listener;
        progress.report("Reading a.csv", 0.5);
        progress.report("Done", 1.0);
        NoProgress.report("Reading b.csv", 0.25);
        assert_eq!(heard, [("Reading a.csv".to_string(), 0.5), ("Done".to_string(), 1.0)]);
    }
}
