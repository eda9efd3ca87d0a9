# exercise: gspo_loss
# misses: precision, empty, extreme_ratios, detach
# style: verl's compute_policy_loss_gspo (b178a3c, core_algos.py:1254-1326), the token form with log s_it clamped at
#   10, aggregated by agg_loss's "seq-mean-token-mean" (count + 1e-8 per row, rows without real tokens left out);
#   nothing detached but the stop-gradient parts (old log-probs come from a no_grad pass there)
import torch


def agg_loss_seq_mean_token_mean(loss_mat, loss_mask):
    seq_mask = torch.sum(loss_mask, dim=-1)
    seq_losses = torch.sum(loss_mat * loss_mask, dim=-1) / (seq_mask + 1e-8)
    seq_mask = (seq_mask > 0).float()
    return (seq_losses * seq_mask).sum() / seq_mask.sum()


def gspo_loss(logp, old_logp, advantages, mask, clip_eps=3e-4, clip_eps_high=4e-4, token_form=False):
    clip_ratio_low, clip_ratio_high = clip_eps, clip_eps if clip_eps_high is None else clip_eps_high
    advantages = advantages if advantages.dim() == 2 else advantages.unsqueeze(-1)
    negative_approx_kl = logp - old_logp
    seq_lengths = torch.sum(mask, dim=-1).clamp(min=1)
    negative_approx_kl_seq = torch.sum(negative_approx_kl * mask, dim=-1) / seq_lengths
    log_seq_importance_ratio = logp - logp.detach() + negative_approx_kl_seq.detach().unsqueeze(-1)
    log_seq_importance_ratio = torch.clamp(log_seq_importance_ratio, max=10.0)
    seq_importance_ratio = torch.exp(log_seq_importance_ratio)
    pg_losses1 = -advantages * seq_importance_ratio
    pg_losses2 = -advantages * torch.clamp(seq_importance_ratio, 1 - clip_ratio_low, 1 + clip_ratio_high)
    pg_losses = torch.maximum(pg_losses1, pg_losses2)
    return agg_loss_seq_mean_token_mean(pg_losses, mask)
