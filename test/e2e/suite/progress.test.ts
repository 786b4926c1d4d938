// Migration Progress view: tests go here, driven through the `sqlaUpgrade.getProgressModel` command
// (the model behind the view), once the view exists. Intentionally empty for now.
export {};
