fn moving_average(samples: &[f64], window: usize) -> Vec<f64> {
    let mut averages = Vec::with_capacity(samples.len());
    let mut running_total = 0.0;
    for (index, value) in samples.iter().enumerate() {
        running_total += value;
        if index >= window {
            running_total -= samples[index - window];
        }
        let count = (index + 1).min(window) as f64;
        averages.push(running_total / count);
    }
    averages
}

fn histogram(values: &[u32], buckets: usize, max_value: u32) -> Vec<usize> {
    let mut counts = vec![0; buckets];
    for &value in values {
        let slot = (value as usize * buckets) / (max_value as usize + 1);
        counts[slot.min(buckets - 1)] += 1;
    }
    counts
}
