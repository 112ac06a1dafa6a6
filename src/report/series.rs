//! What one series of runs — a model at one worker count, its warm-up and repeats
//! (`config::plan::Series`) — leaves in the results: the last result shown, the repeats' wall
//! times beside it, and for a sweep its point on the scaling chart.

use super::{ModelResult, ScalingPoint, Status};

/// The results of a series so far, folded as they come.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    walls: Vec<f64>,
    shown: Option<ModelResult>,
}

impl Tally {
    /// Takes one run's result. Returns whether the series goes on: a failed run (or a warm-up
    /// that failed) ends it and is what the page shows; a warm-up that succeeded is dropped.
    pub fn add(&mut self, warmup: bool, result: ModelResult) -> bool {
        let ok = result.status == Status::Ok;
        if warmup && ok {
            return true;
        }
        if ok {
            self.walls.push(result.wall_ms);
        }
        self.shown = Some(result);
        ok
    }

    /// The result to show, with the repeats' wall times when there were several, and its point
    /// on the scaling chart when the series is a sweep's and it ran. `None` if no run finished
    /// (the run was cancelled first).
    pub fn finish(
        self,
        repeats: u32,
        sweep_point: bool,
    ) -> Option<(ModelResult, Option<ScalingPoint>)> {
        let mut result = self.shown?;
        if repeats > 1 {
            result.repeats_ms = self.walls;
        }
        let point = (sweep_point && result.status == Status::Ok).then(|| ScalingPoint {
            model: result.model,
            workers: result.workers,
            wall_ms: result.typical_wall_ms(),
            answer_ok: result.answer_ok,
        });
        Some((result, point))
    }
}

#[cfg(test)]
mod test;
