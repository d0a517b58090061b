# Funnel (10-D) check of the transition alone: Stan's own warmup result per chain (last
# warmup draw, adapted step size and inverse metric) plus its post-warmup divergences,
# acceptance and leapfrog counts, saved for bench/nuts/funnel-stan-adapt.ts, which runs our
# sampler from exactly those states with adaptation off.
#
#   Rscript bench/nuts/funnel-stan-adapt.R      # from the repo root; a few minutes
suppressMessages({library(rstan); library(jsonlite)})
m <- stan_model(model_code = "data { int d; } parameters { real v; vector[d-1] x; } model { v ~ normal(0, 3); x ~ normal(0, exp(v/2)); }")
out <- list()
for (s in 1:8) {
  fit <- sampling(m, data = list(d = 10), chains = 4, iter = 2000, seed = s, refresh = 0)
  arr <- extract(fit, permuted = FALSE, inc_warmup = TRUE)  # iterations x chains x params
  sp <- get_sampler_params(fit, inc_warmup = TRUE)
  ai <- get_adaptation_info(fit)
  for (k in 1:4) {
    inv <- as.numeric(strsplit(sub("^#\\s*", "", strsplit(ai[[k]], "\n")[[1]][4]), ",")[[1]])
    post <- sp[[k]][1001:2000, ]
    out[[length(out) + 1]] <- list(seed = s, chain = k, init = as.numeric(arr[1000, k, 1:10]), stepsize = post[1, "stepsize__"],
      inv_metric = inv, divergent = sum(post[, "divergent__"]), accept = mean(post[, "accept_stat__"]), n_leapfrog = mean(post[, "n_leapfrog__"]))
  }
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = 12), "bench/nuts/results/funnel-stan-adapt.json")
