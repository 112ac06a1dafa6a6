use super::*;
use crate::models::Model;
use crate::present::chart::test::*;
use crate::report::ScalingPoint;

fn amdahl(p: f64, n: f64) -> f64 {
    1.0 / ((1.0 - p) + p / n)
}

#[test]
fn amdahl_fit_recovers_the_parallel_fraction() {
    let exact: Vec<(f64, f64)> = (1..=8)
        .map(|n| (f64::from(n), amdahl(0.9, f64::from(n))))
        .collect();
    let p = amdahl_fit(&exact).unwrap();
    assert!((p - 0.9).abs() < 1e-9, "{p}");
    assert!((amdahl_speedup(0.9, 4.0) - amdahl(0.9, 4.0)).abs() < 1e-12);

    assert_eq!(amdahl_fit(&[(1.0, 1.0)]), None, "one worker says nothing");
    assert_eq!(amdahl_fit(&[]), None);
    assert_eq!(amdahl_fit(&[(1.0, 1.0), (4.0, 1.0)]), Some(0.0));
    assert_eq!(amdahl_fit(&[(1.0, 1.0), (2.0, 0.5)]), Some(0.0), "slower");
    assert_eq!(
        amdahl_fit(&[(1.0, 1.0), (2.0, 3.0)]),
        Some(1.0),
        "superlinear"
    );
}

#[test]
fn scaling_reports_speedup_efficiency_and_the_fit() {
    let point = |model, workers: u32, wall_ms| ScalingPoint {
        model,
        workers,
        wall_ms,
        answer_ok: true,
    };
    // Pool walls follow Amdahl with p = 0.9 from 100 ms on one worker.
    let wall = |n: u32| 100.0 / amdahl(0.9, f64::from(n));
    let points = [
        point(Model::Processes, 1, 80.0),
        point(Model::Pool, 4, wall(4)),
        point(Model::Pool, 1, wall(1)),
        point(Model::Pool, 2, wall(2)),
    ];
    let layout = scaling(&points, 400.0, 300.0);
    let (left, top, right, bottom) = layout.plot;
    assert!(left < right && top < bottom && bottom <= 300.0 && right <= 400.0);

    let models: Vec<Model> = layout.series.iter().map(|s| s.model).collect();
    assert_eq!(models, [Model::Pool, Model::Processes]);
    let pool = &layout.series[0];
    let workers: Vec<u32> = pool.dots.iter().map(|d| d.workers).collect();
    assert_eq!(workers, [1, 2, 4]);
    for d in &pool.dots {
        let n = f64::from(d.workers);
        assert!(close(d.speedup, amdahl(0.9, n)), "{d:?}");
        assert!(close(d.efficiency, amdahl(0.9, n) / n), "{d:?}");
    }
    assert!((pool.parallel_fraction.unwrap() - 0.9).abs() < 1e-9);
    // Faster is higher up; more workers further right.
    assert!(
        pool.dots
            .windows(2)
            .all(|w| w[1].y < w[0].y && w[1].x > w[0].x)
    );
    // The fit passes through the exact points, at every integer worker count.
    assert_eq!(pool.fit_curve.len(), 4);
    for d in &pool.dots {
        let (x, y) = pool.fit_curve[d.workers as usize - 1];
        assert!(close(x, d.x) && (y - d.y).abs() < 1e-6, "{d:?}");
    }
    let processes = &layout.series[1];
    assert_eq!(processes.parallel_fraction, None);
    assert!(processes.fit_curve.is_empty());
    assert_eq!(processes.dots[0].speedup, 1.0);

    // Ideal: speedup N at N, from 1 to the most workers, the last half a step inside the
    // plot's right edge (the x axis runs from 0.5 to N + 0.5 workers).
    assert_eq!(layout.ideal.len(), 2);
    assert!(layout.ideal[1].0 < right && layout.ideal[0].0 > layout.plot.0);
    assert!(layout.ideal[1].1 < pool.dots[2].y, "ideal beats Amdahl");
    let x_labels: Vec<&str> = layout.x_ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(x_labels, ["1", "2", "3", "4"]);
    assert_eq!(layout.y_ticks.first().unwrap(), &(bottom, "0×".to_string()));

    assert!(scaling(&[], 400.0, 300.0).series.is_empty());
}
