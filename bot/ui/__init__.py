"""What members see in Discord: text within Discord's limits (text), replies as embeds
(render), the one private reply (respond), and the persistent buttons, selects and forms
(faq_items, reminder_buttons, forms)."""
