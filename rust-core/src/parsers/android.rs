//! Android Company Portal OMADM log parser (log-formats.md §2): line grammar, jscep and
//! Company Portal messages → typed events.

use super::{InputPath, LogOutput, LogParser};

pub struct AndroidParser {
    #[allow(dead_code)]
    path: InputPath,
}

impl AndroidParser {
    pub fn new(path: InputPath) -> Self {
        AndroidParser { path }
    }
}

impl LogParser for AndroidParser {
    fn line(&mut self, _number: u64, _line: &str) {
        todo!("implemented by the Android parser")
    }
    fn finish(&mut self) -> LogOutput {
        todo!("implemented by the Android parser")
    }
}
