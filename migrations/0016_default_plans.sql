-- The plans Parley starts with; an admin edits them (prices, the Stripe price of Pro, limits,
-- models) from the admin route. Null limits keep the tier's setting (worker/limits). Guest and
-- Free leave out the two priciest default models, which makes them Pro's.
INSERT INTO `plans` (`id`, `name`, `description`, `monthly_price_cents`, `currency`, `stripe_price_id`, `rate_limit`, `rate_window_seconds`, `monthly_tokens`, `monthly_cost_usd`, `concurrent_generations`, `excluded_models`, `position`, `updated_at`) VALUES
  ('guest', 'Guest', 'Try Parley without an account.', 0, 'usd', NULL, NULL, NULL, NULL, NULL, NULL, '["gpt-5","gemini-2.5-pro"]', 0, 0),
  ('free', 'Free', 'Every everyday model, synced across your devices.', 0, 'usd', NULL, NULL, NULL, NULL, NULL, NULL, '["gpt-5","gemini-2.5-pro"]', 1, 0),
  ('pro', 'Pro', 'Every model, five times the messages and a larger monthly allowance.', 2000, 'usd', NULL, 300, 300, 20000000, 50, 6, '[]', 2, 0);
